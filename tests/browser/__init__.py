"""Browser tests of the desk (a package, so their module names differ from tests/integration/)."""
