//! A reform's rules as data: district classes, thresholds, incentives; and the audit of districts against them.
