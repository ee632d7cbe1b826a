//! Cooperation cases coded in the structures/processes/actors framework, and their assessment.
