"""Evaluation: gold loading, matching, metrics and reports (imports the extractor; the
extractor never imports this package).

- :mod:`~extractor.evaluation.gold`: gold files, validated on load;
- :mod:`~extractor.evaluation.matching`: strict/lenient span matching, value comparison;
- :mod:`~extractor.evaluation.summaries`: summary-level matching rules;
- :mod:`~extractor.evaluation.scoring`: records vs gold -> counts and error rows;
- :mod:`~extractor.evaluation.brat`: scoring on a MACCROBAT-style brat corpus
  (reading the .ann files: :mod:`~extractor.evaluation.brat_ann`);
- :mod:`~extractor.evaluation.report`: the ``evaluate`` command (tables and files).
"""
