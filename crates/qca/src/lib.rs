//! Qualitative Comparative Analysis: calibration, truth tables, Boolean minimisation, parameters of fit.
