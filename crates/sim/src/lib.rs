//! Monte Carlo simulation of a voluntary reform's uptake over its incentive windows.
