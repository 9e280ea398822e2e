"""`invoke update`: not built yet."""

from ..errors import NotBuiltError


def run(*args, **kwargs) -> int:
    raise NotBuiltError(
        "`update` is not built yet",
        hint="see the project's open issues; nothing was changed",
    )
