"""The pure core: dates as intervals, one reducer per event kind, time at its edges."""
