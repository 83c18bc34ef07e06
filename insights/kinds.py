"""What a count is of: plain values shared by the counting code and the model.

Names are content names (a trigger, a term, a rule id, a channel),
except for `wanted`: a term members asked `define` for that the glossary lacks.
"""

COMMAND = "command"  # name: the command's trigger
ALIAS = "alias"  # name: the alias written (also counted under its command)
PREFIX = "prefix"  # name: "xkcd:", "d/", "ghd/", "define"
TERM = "term"  # name: the glossary term found (by its term or an alias)
WANTED = "wanted"  # name: the unknown term, cleaned up; "" when it did not look like a term
CONTAINS = "contains"  # name: the contains rule's id
PLAYGROUND = "playground"  # name: "share"
WELCOME = "welcome"  # name: "new members" or "#channel"
POLLER = "poller"  # name: the poller job ("gerrit", "gotime", "gotime_social")

KINDS = [
    (COMMAND, "command"),
    (ALIAS, "alias"),
    (PREFIX, "prefix command"),
    (TERM, "glossary term"),
    (WANTED, "unknown term"),
    (CONTAINS, "contains rule"),
    (PLAYGROUND, "playground share"),
    (WELCOME, "welcome"),
    (POLLER, "poller post"),
]

NAME_MAX_LENGTH = 100
