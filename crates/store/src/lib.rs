//! Persistence of scenarios, plans, cases and analyses in SQLite.
