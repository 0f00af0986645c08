package models

import "time"

// Login results recorded in the login log.
const (
	LoginOK          = "ok"
	LoginBadPassword = "bad_password"
	LoginLocked      = "locked"
	LoginDisabled    = "disabled"
	LoginUnknownUser = "unknown_user"
)

// Session kinds.
const (
	SessionCookie = "cookie"
	SessionBearer = "bearer"
)

// User is a staff or citizen account.
type User struct {
	ID                uint   `gorm:"primaryKey"`
	Username          string `gorm:"uniqueIndex;not null"`
	DisplayName       string `gorm:"not null"`
	DepartmentCode    string `gorm:"not null"`
	Active            bool   `gorm:"not null"`
	CitizenID         string `gorm:"not null;serializer:sealed"` // resident ID of a citizen account (一号申请)
	PasswordHash      string `gorm:"not null"`
	FailedLogins      int    `gorm:"not null"`
	LockedUntil       *time.Time
	PasswordChangedAt time.Time `gorm:"not null"`
	CreatedAt         time.Time `gorm:"not null"`
	UpdatedAt         time.Time `gorm:"not null"`

	Roles []RoleAssignment `gorm:"foreignKey:UserID"`
}

// Locked reports whether the account is locked at now.
func (u *User) Locked(now time.Time) bool { return u.LockedUntil != nil && now.Before(*u.LockedUntil) }

// RoleAssignment grants a role in a department ("*" for all departments).
type RoleAssignment struct {
	ID     uint   `gorm:"primaryKey"`
	UserID uint   `gorm:"not null"`
	Role   string `gorm:"not null"`
	Domain string `gorm:"not null"`
}

// Session is a server-side login: a browser cookie or an API bearer token.
// ID is the SHA-256 of the secret the client holds.
type Session struct {
	ID         string    `gorm:"primaryKey"`
	UserID     uint      `gorm:"not null"`
	Kind       string    `gorm:"not null"`
	CSRFToken  string    `gorm:"not null"`
	CreatedAt  time.Time `gorm:"not null"`
	LastSeenAt time.Time `gorm:"not null"`
	ExpiresAt  time.Time `gorm:"not null"`
	IP         string    `gorm:"not null"`
	UserAgent  string    `gorm:"not null"`
}

// LoginEvent is one line of the login log.
type LoginEvent struct {
	ID        uint   `gorm:"primaryKey"`
	Username  string `gorm:"not null"`
	UserID    *uint
	At        time.Time `gorm:"not null"`
	IP        string    `gorm:"not null"`
	UserAgent string    `gorm:"not null"`
	Result    string    `gorm:"not null"`
}
