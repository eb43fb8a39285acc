"""Stories: the reports of one unfolding news event, grouped across outlets.

| module        | holds                                                                 |
|---------------|-----------------------------------------------------------------------|
| ``vectors``   | informative-token TF-IDF of each document (names and figures up)      |
| ``pairs``     | candidate document pairs and their combined score (text, links, dates)|
| ``cluster``   | average-linkage grouping that does not chain through one shared word  |
| ``label``     | a story's short label from its most informative title words           |
| ``detect``    | the whole computation over a list of documents (no database)          |
| ``storage``   | reading documents, writing stories, annotators' corrections (pins)    |

No UI here: the CLI and the TUI call :mod:`store.stories.storage`.
"""
