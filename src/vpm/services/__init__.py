"""Services: the only writers. One transaction per call, version checks, change log, events after commit."""
