-- The colour theme an account picked for itself (light, dark, system). NULL: the system's.
ALTER TABLE accounts ADD COLUMN theme TEXT;
