"""The mobile confirmation page robot messages link to (``/confirm/<token>``)."""
