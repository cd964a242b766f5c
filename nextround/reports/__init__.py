"""Reports a person hands to someone else (a caseworker, an adviser): built from the store,
written as files. The work-search record is the first (`work_search`, `record_files`)."""
