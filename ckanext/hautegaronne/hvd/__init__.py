"""High-value datasets (Implementing Regulation (EU) 2023/138): the HVD category a publisher
declares, the rules it brings (licence), and what the DCAT profile adds for it."""
