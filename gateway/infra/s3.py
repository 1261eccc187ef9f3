"""S3 / MinIO media store (boto3 lives only here). Calls run in threads; URLs are pre-signed GETs."""

from __future__ import annotations

import asyncio
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from gateway.core.config import Settings
from gateway.core.storage import MediaStore


class S3MediaStore(MediaStore):
    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        if not settings.s3_bucket:
            raise ValueError("ZAPGATE_S3_BUCKET is required with ZAPGATE_MEDIA_STORE=s3")
        self.bucket = settings.s3_bucket
        self.prefix = settings.s3_prefix
        config = Config(region_name=settings.s3_region, signature_version="s3v4",
                        s3={"addressing_style": "path" if settings.s3_path_style else "auto"},
                        retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=30)
        self.client: Any = boto3.client("s3", endpoint_url=settings.s3_endpoint, config=config)

    def _key(self, key: str) -> str:
        return f"{self.prefix}{key}"

    async def ensure_bucket(self) -> None:
        def create() -> None:
            try:
                self.client.head_bucket(Bucket=self.bucket)
            except ClientError:
                self.client.create_bucket(Bucket=self.bucket)

        await asyncio.to_thread(create)

    async def _put(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(self.client.put_object, Bucket=self.bucket, Key=self._key(key), Body=data,
                                ContentType=content_type)

    async def get(self, key: str) -> bytes | None:
        def read() -> bytes | None:
            try:
                body: bytes = self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                    return None
                raise
            return body

        return await asyncio.to_thread(read)

    async def exists(self, key: str) -> bool:
        def head() -> bool:
            try:
                self.client.head_object(Bucket=self.bucket, Key=self._key(key))
            except ClientError:
                return False
            return True

        return await asyncio.to_thread(head)

    async def url(self, key: str, ttl_s: float | None = None) -> str:
        expires = int(ttl_s or self.settings.media_url_ttl_s)
        url: str = await asyncio.to_thread(self.client.generate_presigned_url, "get_object",
                                           Params={"Bucket": self.bucket, "Key": self._key(key)},
                                           ExpiresIn=min(expires, 7 * 86400))
        return url

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.client.delete_object, Bucket=self.bucket, Key=self._key(key))
