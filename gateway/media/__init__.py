"""Media: stores (local directory, S3/MinIO), fetching, preparation and sandbox files."""
