"""The periodic jobs (docs/behaviour.md#pollers): channel cache, Gerrit merged CLs, Go Time live
and social."""
