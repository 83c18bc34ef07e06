"""The periodic jobs (spec §6): channel cache, Gerrit merged CLs, Go Time live and social."""
