"""Events logged in chat (a hire, a 三违 finding, an accident…) and the duties they start."""
