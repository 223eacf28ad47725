"""Publishers: organisation types, onboarding from the territory, ownership rules."""
