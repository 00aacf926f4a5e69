"""What an enterprise has open (/due) and what applies to it (/obligations)."""
