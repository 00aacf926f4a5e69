"""Evidence for an occurrence: photos, files and notes."""
