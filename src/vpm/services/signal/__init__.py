"""Signal flow: the show's ports, cables and router crosspoints as one graph, traced and checked.

- ``graph``: the graph in memory (loaded once per request, cached while the show is unchanged)
  and how each kind of device passes its inputs to its outputs.
- ``formats``: the format at every output, and what a connector or cable can carry.
- ``trace``: hop-by-hop paths upstream to the source and downstream to every destination.
- ``check``: the show-wide signal check (findings with severity, rule, message, fix).
- ``patching``: bulk patch, free outputs, snake lines, router crosspoint tables (writes).
- ``crosspoints``: the hooks of the ``router-crosspoints`` entity.
- ``paperwork`` and ``layout``: patch sheets, cable schedule, show-build lists, the diagram.
"""
