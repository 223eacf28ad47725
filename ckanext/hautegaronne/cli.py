"""`ckan hautegaronne ...` commands (registered by the blanket in plugin.py)."""
from __future__ import annotations

import click

__all__ = ["hautegaronne"]


@click.group(short_help="Haute-Garonne portal commands")
def hautegaronne() -> None:
    """Commands of the Haute-Garonne open-data portal."""


@hautegaronne.command(short_help="Load the demo content (idempotent)")
@click.option("--admin", "portal_admin", help="User to make an admin of the département's organisation.")
def demo(portal_admin: str | None) -> None:
    """Create the demo publishers and datasets, or bring them up to date."""
    from . import demo as demo_content

    for line in demo_content.load(portal_admin):
        click.echo(line)


@hautegaronne.group(short_help="Onboard the publishers of the territory")
def publishers() -> None:
    """Publishers (organisations) of the territory: département, EPCI, communes."""


@publishers.command("add", short_help="Onboard a publisher by INSEE code or SIREN, or all of them")
@click.argument("code", required=False)
@click.option("--all", "all_", is_flag=True, help="All 605 publishers of the territory: the département, its 18 EPCI and its "
                   "586 communes (COG 2026).")
def publishers_add(code: str | None, all_: bool) -> None:
    """Create (or bring up to date) the organisation of CODE with its official data."""
    from .publishers import onboarding

    if all_ == bool(code):
        raise click.UsageError("give either an INSEE code or SIREN, or --all")
    if code:
        try:
            entity = onboarding.resolve(code)
        except onboarding.UnknownCode as error:
            click.echo(str(error), err=True)
            raise SystemExit(2)
        click.echo(str(onboarding.add(entity)))
        return
    entities = onboarding.territory_entities()
    with click.progressbar(length=len(entities), label="Publishers", file=click.get_text_stream("stderr")) as bar:
        outcomes = onboarding.add_all(entities, progress=lambda outcome: bar.update(1))
    summary = {s: sum(o.status == s for o in outcomes) for s in ("created", "updated", "unchanged")}
    click.echo(", ".join(f"{n} {s}" for s, n in summary.items()))


@publishers.command("sync", short_help="Apply the COG vintage of the reference data")
def publishers_sync() -> None:
    """Refresh official data; merged communes are kept and linked, never deleted."""
    from .publishers import onboarding

    for line in onboarding.sync():
        click.echo(line)


@publishers.command("migrate", short_help="Make every publisher a CKAN organization (idempotent)")
def publishers_migrate() -> None:
    """Organisations typed by their publisher type (commune, epci...) become CKAN
    organizations with that type in their field publisher_type; their datasets are
    reindexed."""
    from .publishers import migration

    names = migration.migrate()
    for name in names:
        click.echo(f"migrated  {name}")
    click.echo(f"{len(names)} organisations migrated")


@publishers.command("list", short_help="List the onboarded publishers")
def publishers_list() -> None:
    from .publishers import onboarding

    rows = onboarding.publishers()
    for row in rows:
        code = row["extras"].get("insee_code") or row["extras"].get("siren") or ""
        click.echo(f"{row['publisher_type']:13} {code:10} {row['dataset_count']:5}  {row['name']}  ({row['title']})")
    click.echo(f"{len(rows)} publishers")


from .operations.cli import backup_group, search_index_group  # noqa: E402  (ckan hautegaronne search-index, backup)

hautegaronne.add_command(search_index_group)
hautegaronne.add_command(backup_group)


@hautegaronne.group(short_help="The schema.data.gouv.fr catalogue of data schemas")
def schemas() -> None:
    """National data schemas that resources declare and are checked against."""


@schemas.command("refresh", short_help="Fetch and cache the schema catalogue")
@click.option("--url", default=None, help="Catalogue address (default: "
              "ckanext.hautegaronne.conformity.catalogue_url, schema.data.gouv.fr's).")
@click.option("--or-packaged", is_flag=True, help="When the catalogue cannot be fetched and "
              "none is cached yet, cache the catalogue shipped with the extension (offline "
              "machines, the demo) instead of failing.")
def schemas_refresh(url: str | None, or_packaged: bool) -> None:
    """Fetch the catalogue through the guarded transport and replace the cached copy; on
    failure the cached copy stays and the command exits with status 1 (with --or-packaged:
    status 0 once a catalogue is cached, the shipped one if there was none)."""
    from .conformity import catalogue

    try:
        found = catalogue.refresh(url)
    except catalogue.CatalogueError as problem:
        click.echo(str(problem), err=True)
        if not or_packaged:
            raise SystemExit(1)
        if catalogue.seed_packaged():
            click.echo(f"{len(catalogue.schemas())} Table Schemas shipped with the extension "
                       f"cached in {catalogue.cache_dir()}")
        else:
            click.echo(f"The cached catalogue is kept ({len(catalogue.schemas())} Table Schemas)")
        return
    click.echo(f"{len(found)} Table Schemas cached in {catalogue.cache_dir()}")
