package models

import "time"

// Kinds of a material's attachment.
const (
	AttachmentBlank  = "blank"  // 空白表格: the form to fill in
	AttachmentSample = "sample" // 示例样表: a filled-in example
)

// AttachmentKinds lists the kinds of a material's attachment in the order pages show them.
var AttachmentKinds = []string{AttachmentBlank, AttachmentSample}

// What a row of the attachment log did.
const (
	AttachmentUpload = "upload"
	AttachmentRemove = "remove"
)

// MaterialAttachment is one row of the append-only log of a material's
// blank forms and samples (table material_attachments): an upload, with the
// file's content address, or a removal. The material is named by its stable
// key, since the item's material rows are rewritten with each version.
type MaterialAttachment struct {
	ID           uint      `gorm:"primaryKey"`
	ItemCode     string    `gorm:"not null"`
	MaterialKey  string    `gorm:"not null"`
	MaterialName string    `gorm:"not null"` // the material's name when the change was made
	Kind         string    `gorm:"not null"` // AttachmentBlank or AttachmentSample
	Action       string    `gorm:"not null"` // AttachmentUpload or AttachmentRemove
	SHA256       string    `gorm:"column:sha256;not null"`
	Size         int64     `gorm:"not null"`
	ContentType  string    `gorm:"not null"`
	FileName     string    `gorm:"not null"` // the uploaded file's name, for the administrator
	Actor        string    `gorm:"not null"`
	CreatedAt    time.Time `gorm:"not null"`
}

// TableName is the attachments log.
func (MaterialAttachment) TableName() string { return "material_attachments" }

// MaterialFiles are the attachments a material has now: nil where it has none.
type MaterialFiles struct {
	Blank, Sample *MaterialAttachment
}

// Of returns the attachment of a kind, nil when there is none.
func (f MaterialFiles) Of(kind string) *MaterialAttachment {
	if kind == AttachmentSample {
		return f.Sample
	}
	return f.Blank
}
