"""The API: each verb once (at, diff, slide, sweep, history, show, why, subjects, sources,
export, record, seal, verify, validate), over the log and, where current, the index."""
