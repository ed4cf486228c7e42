"""Services: the only writers. One transaction per call, version checks, change log, events after commit."""

from vpm.domain.registry import REGISTRY


def _install_hooks() -> None:
    from vpm.services import hook_table

    hook_table.install()


# The registry asks for the services' hooks the first time an entity's behaviour is needed.
REGISTRY.set_hooks_loader(_install_hooks)
