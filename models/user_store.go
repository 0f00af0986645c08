package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// NewUser is what creating an account needs.
type NewUser struct {
	Username       string
	DisplayName    string
	DepartmentCode string
	CitizenID      string
	PasswordHash   string
	Roles          []RoleAssignment
}

// CreateUser stores a new active account with its roles in one transaction.
// A taken username is ErrConflict.
func (s *Store) CreateUser(ctx context.Context, nu NewUser) (*User, error) {
	now := time.Now().UTC()
	u := User{Username: nu.Username, DisplayName: nu.DisplayName, DepartmentCode: nu.DepartmentCode, Active: true,
		CitizenID: s.keys.seal(nu.CitizenID), PasswordHash: nu.PasswordHash, PasswordChangedAt: now}
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := checkAccountDepartments(tx, nu.DepartmentCode, nu.Roles); err != nil {
			return err
		}
		if err := tx.Create(&u).Error; err != nil {
			return uniqueAsConflict(err)
		}
		return replaceRoles(tx, u.ID, nu.Roles)
	}, AreaAccess)
	if err != nil {
		return nil, fmt.Errorf("models: create user %q: %w", nu.Username, err)
	}
	u.CitizenID = nu.CitizenID
	return &u, nil
}

// SeedUsers creates the given accounts when no account exists yet and
// reports whether it did.
func (s *Store) SeedUsers(ctx context.Context, users []NewUser) (bool, error) {
	seeded := false
	err := s.write(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&User{}).Count(&n).Error; err != nil || n > 0 {
			return err
		}
		now := time.Now().UTC()
		for _, nu := range users {
			u := User{Username: nu.Username, DisplayName: nu.DisplayName, DepartmentCode: nu.DepartmentCode, Active: true,
				CitizenID: s.keys.seal(nu.CitizenID), PasswordHash: nu.PasswordHash, PasswordChangedAt: now}
			if err := tx.Create(&u).Error; err != nil {
				return err
			}
			if err := replaceRoles(tx, u.ID, nu.Roles); err != nil {
				return err
			}
		}
		seeded = true
		return nil
	}, AreaAccess)
	if err != nil {
		return false, fmt.Errorf("models: seed users: %w", err)
	}
	return seeded, nil
}

// checkAccountDepartments refuses an account's department or a role's
// domain that names no department ("*" is every department), whoever
// writes it: the API, the admin pages or the onewindow command.
func checkAccountDepartments(tx *gorm.DB, dept string, roles []RoleAssignment) error {
	var codes []string
	if err := tx.Model(&Department{}).Pluck("code", &codes).Error; err != nil {
		return err
	}
	known := make(map[string]bool, len(codes)+1)
	for _, c := range codes {
		known[c] = true
	}
	fields := map[string]string{}
	if dept != "" && !known[dept] {
		fields["department"] = "unknown department code"
	}
	known["*"] = true
	for i, r := range roles {
		if !known[r.Domain] {
			fields[fmt.Sprintf("roles[%d].domain", i)] = "must be a department code or *"
		}
	}
	if len(fields) > 0 {
		return &ValidationError{Fields: fields}
	}
	return nil
}

func replaceRoles(tx *gorm.DB, userID uint, roles []RoleAssignment) error {
	if err := tx.Where("user_id = ?", userID).Delete(&RoleAssignment{}).Error; err != nil {
		return err
	}
	if len(roles) == 0 {
		return nil
	}
	rows := make([]RoleAssignment, len(roles))
	for i, r := range roles {
		rows[i] = RoleAssignment{UserID: userID, Role: r.Role, Domain: r.Domain}
	}
	return uniqueAsConflict(tx.Create(&rows).Error)
}

func uniqueAsConflict(err error) error {
	if isUniqueViolation(err) {
		return fmt.Errorf("%w: %v", ErrConflict, err)
	}
	return err
}

// User returns the account with the given id and its roles.
func (s *Store) User(ctx context.Context, id uint) (*User, error) {
	return s.findUser(ctx, "id = ?", id)
}

// UserByName returns the account with the given username and its roles.
func (s *Store) UserByName(ctx context.Context, username string) (*User, error) {
	return s.findUser(ctx, "username = ?", username)
}

func (s *Store) findUser(ctx context.Context, where string, arg any) (*User, error) {
	var u User
	err := s.db.WithContext(ctx).Preload("Roles", func(db *gorm.DB) *gorm.DB { return db.Order("role, domain") }).
		Where(where, arg).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, fmt.Errorf("models: user: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("models: user: %w", err)
	}
	return &u, nil
}

// Users lists every account with its roles, by username.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	var out []User
	err := s.read.WithContext(ctx).Preload("Roles", func(db *gorm.DB) *gorm.DB { return db.Order("role, domain") }).
		Order("username").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: list users: %w", err)
	}
	return out, nil
}

// SetRoles replaces an account's role assignments.
func (s *Store) SetRoles(ctx context.Context, userID uint, roles []RoleAssignment) error {
	defer s.sessions.forget("")
	err := s.write(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&User{}).Where("id = ?", userID).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		if err := checkAccountDepartments(tx, "", roles); err != nil {
			return err
		}
		had, err := sysadmins(tx)
		if err != nil {
			return err
		}
		if err := replaceRoles(tx, userID, roles); err != nil {
			return err
		}
		return keepASysadmin(tx, had)
	}, AreaAccess)
	if err != nil {
		return fmt.Errorf("models: set roles of user %d: %w", userID, err)
	}
	return nil
}

// RoleSysadmin is the system administrator's role (policies.Sysadmin).
const RoleSysadmin = "sysadmin"

// ErrLastSysadmin refuses a change that would leave no active account with the system
// administrator's role over every department: nobody could then manage accounts again.
var ErrLastSysadmin = errors.New("models: the last active system administrator keeps the role")

// sysadmins counts the active accounts with the system administrator's role over every
// department.
func sysadmins(tx *gorm.DB) (int64, error) {
	var n int64
	err := tx.Table("role_assignments").Joins("JOIN users ON users.id = role_assignments.user_id AND users.active").
		Where("role_assignments.role = ? AND role_assignments.domain = ?", RoleSysadmin, "*").Count(&n).Error
	return n, err
}

// keepASysadmin fails the transaction when it took the last active system administrator
// away (had is the count before the change).
func keepASysadmin(tx *gorm.DB, had int64) error {
	n, err := sysadmins(tx)
	if err != nil {
		return err
	}
	if had > 0 && n == 0 {
		return ErrLastSysadmin
	}
	return nil
}

// RoleAssignments returns every assignment with its username, for the authorizer.
func (s *Store) RoleAssignments(ctx context.Context) ([]UserRole, error) {
	var out []UserRole
	err := s.db.WithContext(ctx).Table("role_assignments").
		Select("users.username, role_assignments.role, role_assignments.domain").
		Joins("JOIN users ON users.id = role_assignments.user_id AND users.active").
		Order("users.username, role_assignments.role, role_assignments.domain").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: load role assignments: %w", err)
	}
	return out, nil
}

// UserRole is one role assignment named by username.
type UserRole struct {
	Username string
	Role     string
	Domain   string
}

// SetPassword stores a new password hash, keeps the one it replaces in the account's
// password history, unlocks the account and ends its sessions.
func (s *Store) SetPassword(ctx context.Context, userID uint, hash string) error {
	err := s.write(ctx, func(tx *gorm.DB) error {
		return tx.Exec(`INSERT INTO password_history (user_id, password_hash, replaced_at)
			SELECT id, password_hash, ? FROM users WHERE id = ?`, time.Now().UTC(), userID).Error
	}, AreaAccess)
	if err != nil {
		return fmt.Errorf("models: keep the old password of user %d: %w", userID, err)
	}
	return s.updateUser(ctx, userID, map[string]any{"password_hash": hash, "password_changed_at": time.Now().UTC(),
		"failed_logins": 0, "locked_until": nil}, true)
}

// PasswordHistory is how many earlier passwords a new one may not repeat.
const PasswordHistory = 5

// RecentPasswordHashes returns the account's current password hash and the ones it
// replaced, newest first: PasswordHistory of them in all.
func (s *Store) RecentPasswordHashes(ctx context.Context, userID uint) ([]string, error) {
	var out []string
	err := s.read.WithContext(ctx).Raw(`SELECT password_hash FROM (
			SELECT password_hash, 1 AS k, 0 AS id FROM users WHERE id = ?
			UNION ALL
			SELECT password_hash, 2 AS k, id FROM password_history WHERE user_id = ?) AS h
		ORDER BY k, id DESC LIMIT ?`, userID, userID, PasswordHistory).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: password history of user %d: %w", userID, err)
	}
	return out, nil
}

// SetActive enables or disables an account; disabling ends its sessions.
func (s *Store) SetActive(ctx context.Context, userID uint, active bool) error {
	return s.updateUser(ctx, userID, map[string]any{"active": active}, !active)
}

func (s *Store) updateUser(ctx context.Context, userID uint, fields map[string]any, endSessions bool) error {
	defer s.sessions.forget("")
	fields["updated_at"] = time.Now().UTC()
	err := s.write(ctx, func(tx *gorm.DB) error {
		had, err := sysadmins(tx)
		if err != nil {
			return err
		}
		res := tx.Model(&User{}).Where("id = ?", userID).Updates(fields)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		if err := keepASysadmin(tx, had); err != nil {
			return err
		}
		if endSessions {
			return tx.Where("user_id = ?", userID).Delete(&Session{}).Error
		}
		return nil
	}, AreaAccess)
	if err != nil {
		return fmt.Errorf("models: update user %d: %w", userID, err)
	}
	return nil
}

// RecordLogin writes the login log and updates the account's failure
// counter: a success resets it; a failure counts it and, at maxFailures,
// locks the account until lockUntil. It bumps no change counter: a login
// changes no role and ends no session.
func (s *Store) RecordLogin(ctx context.Context, ev LoginEvent, maxFailures int, lockUntil time.Time) error {
	defer s.sessions.forget("")
	err := s.retry(func() error {
		return s.recordLogin(ctx, ev, maxFailures, lockUntil)
	})
	if err != nil {
		return fmt.Errorf("models: record login: %w", err)
	}
	return nil
}

func (s *Store) recordLogin(ctx context.Context, ev LoginEvent, maxFailures int, lockUntil time.Time) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&ev).Error; err != nil {
			return err
		}
		if ev.UserID == nil {
			return nil
		}
		switch ev.Result {
		case LoginOK:
			return tx.Model(&User{}).Where("id = ?", *ev.UserID).
				Updates(map[string]any{"failed_logins": 0, "locked_until": nil}).Error
		case LoginBadPassword:
			if err := tx.Exec("UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ?", *ev.UserID).Error; err != nil {
				return err
			}
			return tx.Exec("UPDATE users SET locked_until = ?, failed_logins = 0 WHERE id = ? AND failed_logins >= ?",
				lockUntil.UTC(), *ev.UserID, maxFailures).Error
		}
		return nil
	})
}

// LoginEvents returns the newest login log lines first.
func (s *Store) LoginEvents(ctx context.Context, username string, limit, offset int) ([]LoginEvent, int64, error) {
	q := s.read.WithContext(ctx).Model(&LoginEvent{})
	if username != "" {
		q = q.Where("username = ?", username)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("models: count login log: %w", err)
	}
	var out []LoginEvent
	if err := q.Order("at DESC, id DESC").Limit(limit).Offset(offset).Find(&out).Error; err != nil {
		return nil, 0, fmt.Errorf("models: read login log: %w", err)
	}
	return out, total, nil
}

// CreateSession stores a new session.
func (s *Store) CreateSession(ctx context.Context, sess Session) error {
	if err := s.db.WithContext(ctx).Create(&sess).Error; err != nil {
		return fmt.Errorf("models: create session: %w", err)
	}
	return nil
}

// SessionUser returns an unexpired session and its active user.
func (s *Store) SessionUser(ctx context.Context, id string, now time.Time) (*Session, *User, error) {
	if sess, u, ok := s.sessions.get(id, now); ok {
		return sess, u, nil
	}
	gen, at := s.sessions.generation(), time.Now()
	var sess Session
	err := s.read.WithContext(ctx).Where("id = ? AND expires_at > ?", id, now.UTC()).Take(&sess).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, fmt.Errorf("models: session: %w", ErrNotFound)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("models: session: %w", err)
	}
	var u User
	err = s.read.WithContext(ctx).Preload("Roles").Where("id = ? AND active", sess.UserID).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, fmt.Errorf("models: session user: %w", ErrNotFound)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("models: session user: %w", err)
	}
	s.sessions.put(gen, &sess, &u, at)
	return &sess, &u, nil
}

// TouchSession moves a session's idle expiry forward, never past its absolute end.
func (s *Store) TouchSession(ctx context.Context, id string, now, expires time.Time) error {
	defer s.sessions.forget(id)
	err := s.db.WithContext(ctx).Model(&Session{}).Where("id = ?", id).
		Updates(map[string]any{"last_seen_at": now.UTC(), "expires_at": expires.UTC()}).Error
	if err != nil {
		return fmt.Errorf("models: touch session: %w", err)
	}
	return nil
}

// DeleteSession ends one session, in every process that serves the database
// within a second (it bumps the sessions counter).
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	defer s.sessions.forget(id)
	err := s.write(ctx, func(tx *gorm.DB) error {
		return tx.Where("id = ?", id).Delete(&Session{}).Error
	}, AreaSessions)
	if err != nil {
		return fmt.Errorf("models: delete session: %w", err)
	}
	return nil
}

// PurgeSessions deletes expired sessions.
func (s *Store) PurgeSessions(ctx context.Context, now time.Time) error {
	defer s.sessions.forget("")
	if err := s.db.WithContext(ctx).Where("expires_at <= ?", now.UTC()).Delete(&Session{}).Error; err != nil {
		return fmt.Errorf("models: purge sessions: %w", err)
	}
	return nil
}
