package notify_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"onewindow/models"
	"onewindow/notify"
)

// The crash test runs the dispatcher in a child process: the test binary
// again, told by these variables to dispatch instead of testing.
const (
	childDir    = "ONEWINDOW_NOTIFY_CHILD_DIR"
	childSMTP   = "ONEWINDOW_NOTIFY_CHILD_SMTP_PORT"
	childSMS    = "ONEWINDOW_NOTIFY_CHILD_SMS_URL"
	childOffset = "ONEWINDOW_NOTIFY_CHILD_CLOCK_OFFSET"
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(childDir); dir != "" {
		if err := runChild(dir); err != nil {
			fmt.Fprintln(os.Stderr, "child dispatcher:", err)
			os.Exit(2)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runChild dispatches every due message of the store in dir, then returns.
func runChild(dir string) error {
	ctx := context.Background()
	store, err := models.Open(ctx, dir, models.Options{})
	if err != nil {
		return err
	}
	defer store.Close()
	port, _ := strconv.Atoi(os.Getenv(childSMTP))
	mail, err := notify.NewSMTPSender(notify.SMTPConfig{Host: "127.0.0.1", Port: port, From: "noreply@centre.example.cn", TLS: "none"})
	if err != nil {
		return err
	}
	sms, err := notify.NewSMSSender(notify.SMSConfig{URL: os.Getenv(childSMS), Templates: map[string]string{"accepted": "SMS_100"}})
	if err != nil {
		return err
	}
	offset, _ := time.ParseDuration(os.Getenv(childOffset))
	d := &notify.Dispatcher{Queue: store, Senders: map[string]notify.Sender{"sms": sms, "email": mail}, Render: render,
		Now: func() time.Time { return time.Now().Add(offset) }, Owner: "child-" + strconv.Itoa(os.Getpid()),
		Lease: 5 * time.Minute, Batch: 4}
	_, err = d.RunOnce(ctx)
	return err
}

func child(dir string, smtpPort int, smsURL string, offset time.Duration) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childDir+"="+dir, childSMTP+"="+strconv.Itoa(smtpPort), childSMS+"="+smsURL,
		childOffset+"="+offset.String())
	return cmd
}

// A dispatcher killed with SIGKILL while a message is on the wire (the
// gateway has it, the outbox does not know) loses nothing and, counted by
// dedupe key at the receivers as real providers count, sends nothing twice.
func TestDispatcherKilledMidDispatchDeliversEveryMessageExactlyOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dir := t.TempDir()
	const apps = 12
	seedOutbox(t, dir, apps, time.Now().Add(-time.Minute))
	mails, texts := newReceiver(), newReceiver()
	port := smtpServer(t, mails)
	// The fifth text message stays on the wire: the gateway has recorded it
	// and holds its answer until the child is dead.
	onWire := make(chan struct{})
	dead := make(chan struct{})
	var once sync.Once
	texts.onDeliver = func(n int) {
		if n == 5 {
			once.Do(func() { close(onWire) })
			<-dead
		}
	}
	gw := gateway(t, texts, nil)

	first := child(dir, port, gw.URL, 0)
	first.Stdout, first.Stderr = os.Stderr, os.Stderr
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- first.Wait() }()
	select {
	case <-onWire:
	case err := <-exited:
		t.Fatalf("the child finished before the kill: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("the child sent no fifth text message")
	}
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := <-exited
	if ws, ok := first.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the child was not killed: %v", err)
	}
	close(dead)
	textsBefore, _ := texts.counts()
	if textsBefore != 5 {
		t.Fatalf("%d text messages before the kill, want 5", textsBefore)
	}

	// The restarted dispatcher runs after the dead one's lease ran out.
	if out, err := child(dir, port, gw.URL, time.Hour).CombinedOutput(); err != nil {
		t.Fatalf("second child: %v\n%s", err, out)
	}

	for name, r := range map[string]*receiver{"e-mail": mails, "sms": texts} {
		got, handed := r.counts()
		if got != apps {
			t.Errorf("%s: %d distinct messages arrived, want %d", name, got, apps)
		}
		t.Logf("%s: %d messages, %d deliveries", name, got, handed)
	}
	if _, handed := texts.counts(); handed != apps+1 {
		t.Errorf("sms: %d deliveries; want %d: the one on the wire at the kill again, under its own request id", handed, apps+1)
	}
	store, err := models.Open(context.Background(), dir, models.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	msgs, err := store.Messages(context.Background(), models.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	sent := 0
	for _, m := range msgs {
		if m.State == models.MessageSent {
			sent++
		}
	}
	if sent != 2*apps || len(msgs) != 2*apps {
		t.Errorf("outbox after the restart: %d of %d messages sent, want %d", sent, len(msgs), 2*apps)
	}
}

// Two dispatchers on one database (two server instances) never hand the
// same message over twice.
func TestTwoDispatchersNeverSendTheSameMessage(t *testing.T) {
	dir := t.TempDir()
	const apps = 10
	seedOutbox(t, dir, apps, time.Now().Add(-time.Minute))
	mails, texts := newReceiver(), newReceiver()
	port := smtpServer(t, mails)
	gw := gateway(t, texts, nil)
	ctx := context.Background()
	store, err := models.Open(ctx, dir, models.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	mail, _ := notify.NewSMTPSender(notify.SMTPConfig{Host: "127.0.0.1", Port: port, From: "noreply@centre.example.cn", TLS: "none"})
	sms, _ := notify.NewSMSSender(notify.SMSConfig{URL: gw.URL, Templates: map[string]string{"accepted": "SMS_100"}})
	var wg sync.WaitGroup
	for _, owner := range []string{"a", "b"} {
		wg.Go(func() {
			d := &notify.Dispatcher{Queue: store, Senders: map[string]notify.Sender{"sms": sms, "email": mail},
				Render: render, Owner: owner, Batch: 2}
			if _, err := d.RunOnce(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for name, r := range map[string]*receiver{"e-mail": mails, "sms": texts} {
		if got, handed := r.counts(); got != apps || handed != apps {
			t.Errorf("%s: %d messages in %d deliveries, want %d in %d", name, got, handed, apps, apps)
		}
	}
}
