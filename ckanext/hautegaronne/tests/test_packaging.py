"""A built wheel carries everything the extension reads at run time."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "ckanext" / "hautegaronne"
# Every file of the package ships, whatever its kind (robots.txt once did not).
NOT_SHIPPED_SUFFIXES = {".pyc"}


def test_the_wheel_contains_templates_schemas_translations_and_data(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--quiet", "--wheel-dir", str(tmp_path), str(ROOT)],
        check=True, capture_output=True, timeout=300)
    wheel = next(tmp_path.glob("ckanext_hautegaronne-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())

    expected = {
        str(path.relative_to(ROOT)) for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix not in NOT_SHIPPED_SUFFIXES
        and not {"tests", "__pycache__"} & set(path.relative_to(PACKAGE).parts)
    }
    assert expected, "nothing to ship?"
    missing = sorted(expected - names)
    assert missing == [], f"files missing from the wheel: {missing}"
    for required in ("ckanext/hautegaronne/config_declaration.yaml",
                     "ckanext/hautegaronne/schemas/dataset.yaml",
                     "ckanext/hautegaronne/territory/data/territory-31.json",
                     "ckanext/hautegaronne/i18n/fr/LC_MESSAGES/ckanext-hautegaronne.mo",
                     "ckanext/hautegaronne/templates/home/robots.txt"):
        assert required in names
