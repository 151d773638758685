from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html

from . import documents, images, services
from .models import Document, Image, StatementDocument, StatementImage


def read_upload(upload, max_bytes):
    """The uploaded file's bytes; None when it is over ``max_bytes``."""
    if upload.size > max_bytes:
        return None
    return b"".join(upload.chunks())


class UploadOnAdd(forms.ModelForm):
    """A stored file is never replaced (pages and feeds point at it): the
    upload field is on the add form only."""


class StoreOnAdd:
    """Adding an entry stores its checked file with ``store(entry, form)``."""

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            self.store(obj, form)


class ImageForm(UploadOnAdd):
    upload = forms.FileField(
        label="Picture",
        help_text=(
            f"A JPEG, PNG or WebP photo, at most {images.MAX_BYTES // 2**20} MB "
            f"and {images.MAX_PIXELS // 1_000_000} million pixels. Location and "
            "camera data are removed before it is stored."
        ),
    )

    class Meta:
        model = Image
        fields = ["upload", "alt", "caption", "credit"]

    def clean_upload(self):
        data = read_upload(self.cleaned_data["upload"], images.MAX_BYTES)
        if data is None:
            raise forms.ValidationError(
                f"The file is larger than {images.MAX_BYTES // 2**20} MB."
            )
        existing = services.find_image(data)
        if existing:
            raise forms.ValidationError(
                f"This picture is already in the library (“{existing.alt}”): "
                "choose it there instead of uploading it again."
            )
        try:
            self.processed = images.process(data)
        except images.ImageRejected as error:
            raise forms.ValidationError(str(error)) from None
        self.data_received = data
        return self.cleaned_data["upload"]


def preview(image, width):
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="">',
        image.url_of(image.rendition(image.fallback_format, width)),
        width,
        round(width * image.height / image.width),
    )


@admin.register(Image)
class ImageAdmin(StoreOnAdd, admin.ModelAdmin):
    form = ImageForm
    list_display = ["thumbnail", "alt", "credit", "statements_using", "created_at"]
    list_display_links = ["thumbnail", "alt"]
    search_fields = ["alt", "caption", "credit"]
    date_hierarchy = "created_at"
    # Explicit: a model's default order is dropped once the use count groups rows.
    ordering = ["-created_at", "-id"]
    readonly_fields = ["picture", "size", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(uses=Count("statement_links"))

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["upload", "alt", "caption", "credit"]
        return ["picture", "alt", "caption", "credit", "size", "created_at"]

    @admin.display(description="picture")
    def thumbnail(self, image):
        return preview(image, 80)

    @admin.display(description="picture")
    def picture(self, image):
        return preview(image, 480)

    @admin.display(description="size in pixels")
    def size(self, image):
        return f"{image.width} x {image.height}"

    @admin.display(description="used by statements", ordering="uses")
    def statements_using(self, image):
        return image.uses

    def store(self, image, form):
        services.store_image(image, form.data_received, form.processed)


class DocumentForm(UploadOnAdd):
    upload = forms.FileField(
        label="File",
        help_text=f"A PDF, at most {documents.MAX_BYTES // 2**20} MB.",
    )

    class Meta:
        model = Document
        fields = ["upload", "title", "language"]

    def clean_upload(self):
        data = read_upload(self.cleaned_data["upload"], documents.MAX_BYTES)
        try:
            if data is None:
                raise documents.DocumentRejected(
                    f"The file is larger than {documents.MAX_BYTES // 2**20} MB."
                )
            documents.check_pdf(data)
        except documents.DocumentRejected as error:
            raise forms.ValidationError(str(error)) from None
        self.data_received = data
        return self.cleaned_data["upload"]


@admin.register(Document)
class DocumentAdmin(StoreOnAdd, admin.ModelAdmin):
    form = DocumentForm
    list_display = ["title", "kind", "language", "size_text", "created_at"]
    list_filter = ["kind", "language"]
    search_fields = ["title"]
    date_hierarchy = "created_at"
    readonly_fields = ["file", "size_text", "created_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["upload", "title", "language"]
        return ["title", "language", "file", "size_text", "created_at"]

    def store(self, document, form):
        services.store_document(document, form.data_received)


class StatementImageInline(admin.TabularInline):
    """The statement's gallery, in order; the first picture is the lead image."""

    model = StatementImage
    extra = 0
    autocomplete_fields = ["image"]
    fields = ["image", "position"]
    verbose_name_plural = "pictures (the first is the lead image)"


class StatementDocumentInline(admin.TabularInline):
    model = StatementDocument
    extra = 0
    autocomplete_fields = ["document"]
    fields = ["document", "position"]
