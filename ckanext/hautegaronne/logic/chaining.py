"""Chained actions built from one step around a possibly absent inner chained action.

Several concerns extend the same core action (``package_create``, ``package_update``...)
within one plugin, where CKAN keeps one function per name: each wraps what the others
registered before it, or CKAN's own action when nothing was."""
from __future__ import annotations

from typing import Any, Callable, Optional

import ckan.plugins.toolkit as tk

# step(call_next, context, data_dict), where call_next(context, data_dict) runs the rest
Step = Callable[[Callable[[dict, dict], Any], dict, dict], Any]


def around(inner: Optional[Callable], step: Step) -> Callable:
    """One chained action: ``step`` around ``inner`` (a chained action, or None for CKAN's
    own), keeping ``inner``'s name and documentation."""
    @tk.chained_action
    def action(original_action, context: dict, data_dict: dict) -> Any:
        def call_next(ctx: dict, data: dict) -> Any:
            if inner is None:
                return original_action(ctx, data)
            return inner(original_action, ctx, data)
        return step(call_next, context, data_dict)
    action.__name__ = getattr(inner, "__name__", "action")
    action.__doc__ = getattr(inner, "__doc__", None)
    return action
