"""`ckan hautegaronne ...` commands (registered by the blanket in plugin.py)."""
from __future__ import annotations

import click

__all__ = ["hautegaronne"]


@click.group(short_help="Haute-Garonne portal commands")
def hautegaronne() -> None:
    """Commands of the Haute-Garonne open-data portal."""


@hautegaronne.command(short_help="Load the demo content (idempotent)")
def demo() -> None:
    """Create the demo publishers and datasets, or bring them up to date."""
    from . import demo as demo_content

    for line in demo_content.load():
        click.echo(line)
