"""Verifiers: who decides a response's verdict (COSMO-RL.md "Verifiers")."""
