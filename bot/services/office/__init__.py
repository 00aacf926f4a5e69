"""Offices (安委办) and the enterprises they oversee: link codes, links, unlinking."""
