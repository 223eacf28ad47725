from setuptools import find_namespace_packages, setup

setup(
    name="ckanext-hautegaronne",
    version="0.1.0",
    description="CKAN extension of the Haute-Garonne open-data portal",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    license="AGPL-3.0-or-later",
    python_requires=">=3.11",
    # What the extension imports beyond CKAN and its plugins (pinned in requirements.txt).
    install_requires=["python-stdnum>=2.0", "shapely>=2.0"],
    packages=find_namespace_packages(include=["ckanext", "ckanext.*"]),
    include_package_data=True,
    package_data={
        "ckanext.hautegaronne": [
            "config_declaration.yaml",
            "schemas/**/*.yaml",
            "schemas/**/*.json",
            "templates/**/*",
            "assets/**/*",
            "public/**/*",
            "i18n/*.pot",
            "i18n/**/*.po",
            "i18n/**/*.mo",
            "territory/data/*",
            "dcat/*.json",
            "dcat/*.csv",
            "dcat/data/*",
            "hvd/*.csv",
            "hvd/*.md",
            "migration/**/*",
            "conformity/packaged/**/*",
        ],
    },
    zip_safe=False,
    entry_points={
        "ckan.plugins": [
            "hautegaronne = ckanext.hautegaronne.plugin:HautegaronnePlugin",
            "hautegaronne_datastore = ckanext.hautegaronne.plugin:HautegaronneDatastorePlugin",
            "hautegaronne_table_map = ckanext.hautegaronne.plugin:HautegaronneTableMapView",
            "hautegaronne_linked_map = ckanext.hautegaronne.plugin:HautegaronneLinkedMapView",
            "hautegaronne_chart = ckanext.hautegaronne.plugin:HautegaronneChartView",
            "hautegaronne_dcat_harvester = ckanext.hautegaronne.harvest.harvester:HauteGaronneDCATHarvester",
        ],
        "ckan.rdf.profiles": [
            "hautegaronne_dcat_ap = ckanext.hautegaronne.dcat.profile:HauteGaronneDCATAPProfile",
        ],
        "babel.extractors": [
            "ckan = ckan.lib.extract:extract_ckan",
        ],
    },
    message_extractors={
        "ckanext": [
            ("**.py", "python", None),
            ("**.js", "javascript", None),
            ("**/templates/**.html", "ckan", None),
        ],
    },
)
