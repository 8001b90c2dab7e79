"""A Django storage that keeps files in the database, so every web node reads the same bytes.

The default for attachments (ATTACHMENT_STORAGE=database): no shared disk to set up, and export_data /
import_data carry the files with every other row. It has no URL: files leave through the download
view, which checks access first.
"""

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.utils.deconstruct import deconstructible


@deconstructible
class DatabaseStorage(Storage):
    def _model(self):
        from outreach.models import StoredFile  # the app registry is ready by the first file

        return StoredFile

    def _open(self, name, mode="rb"):
        row = self._model().objects.filter(name=name).only("data").first()
        if row is None:
            raise FileNotFoundError(name)
        return ContentFile(bytes(row.data), name=name)

    def _save(self, name, content):
        data = b"".join(content.chunks()) if hasattr(content, "chunks") else content.read()
        self._model().objects.create(name=name, data=data, size=len(data))
        return name

    def exists(self, name) -> bool:
        return self._model().objects.filter(name=name).exists()

    def delete(self, name) -> None:
        self._model().objects.filter(name=name).delete()

    def size(self, name) -> int:
        row = self._model().objects.filter(name=name).values_list("size", flat=True).first()
        if row is None:
            raise FileNotFoundError(name)
        return row

    def url(self, name):
        raise NotImplementedError("Attachments have no public URL: download them through the tracker.")
