"""The anomaly-free U(1)_X models: charges, anomalies, the atlas."""
