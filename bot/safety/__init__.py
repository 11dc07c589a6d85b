"""Crisis detection (rules and semantic classifier), crisis resources, check-ins and escalations."""
