"""The S3 storage media go to with several nodes, each object stored with the
headers it is served with (library/serving.py)."""

from storages.backends.s3 import S3Storage

from .serving import headers_for


class MediaS3Storage(S3Storage):
    def get_object_parameters(self, name):
        headers = headers_for(name)
        parameters = {
            **super().get_object_parameters(name),
            "ContentType": headers["Content-Type"],
            "CacheControl": headers["Cache-Control"],
        }
        if "Content-Disposition" in headers:
            parameters["ContentDisposition"] = headers["Content-Disposition"]
        return parameters
