;;; test.el --- batch Emacs 28 + Eglot 1.9 driving gup-review-server -*- lexical-binding: t; coding: utf-8 -*-
;;
;;   GUP_EDITORS_WS=<scratch copy of test/editors/workspace> \
;;   GUP_EDITORS_SNIPPET=<README snippet emacs-eglot, as a file> \
;;   GUP_EDITORS_EVENTS=<where to write Eglot's events buffer> \
;;   emacs --batch -Q -l test/editors/emacs/test.el
;;
;; Loads the README snippet (after activating Debian's elpa packages, which -Q skips), opens the
;; fixture files, and checks what a user sees: the Flymake diagnostic, the ElDoc hover, the quick
;; fix applied by `eglot-code-actions' and the file saved, the diagnostic on a format-patch file's
;; + line.  Every step polls with a deadline (accept-process-output); nothing sleeps a fixed time.
;; Prints one line per check; exits 0 when all passed, 1 when one failed, 2 on a script error.

(require 'package)
;; -Q leaves out site-lisp, so Debian's elpa-* packages (eglot 1.9) are not seen; add their folder.
(add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa")
(package-initialize)
(require 'cl-lib)
(require 'subr-x)

(defvar gup-ws (or (getenv "GUP_EDITORS_WS") (error "GUP_EDITORS_WS is not set")))
(defvar gup-c-file (expand-file-name "frame-pin.c" gup-ws))
(defvar gup-patch-file (expand-file-name "0001-frame-release-the-staging-page.patch" gup-ws))
(defvar gup-first-diagnostics-s 20)
(defvar gup-step-s 10)
;; The release line; the comment in front of the call has non-ASCII text (UTF-16 columns).
(defvar gup-fixed-line "\t/* Zoë’s review: the pin ends here */ unpin_user_page(page);")
(defvar gup-failures 0)

(load (or (getenv "GUP_EDITORS_SNIPPET") (error "GUP_EDITORS_SNIPPET is not set")) nil t)

(defun gup-say (fmt &rest args)
  (princ (concat (apply #'format fmt args) "\n")))

(defun gup-check (ok what &optional detail)
  (if ok
      (gup-say "ok   %s" what)
    (cl-incf gup-failures)
    (gup-say "FAIL %s%s" what (if detail (concat ": " detail) "")))
  ok)

(defun gup-wait (seconds pred)
  "Poll PRED while serving process output, for at most SECONDS; return its first non-nil value."
  (let ((deadline (+ (float-time) seconds))
        result)
    (while (and (not (setq result (funcall pred))) (< (float-time) deadline))
      ;; Emacs's command loop runs post-command-hook (where `eglot-ensure' connects and Flymake
      ;; starts deferred checks) after each command; batch mode has no command loop.
      (run-hooks 'post-command-hook)
      (accept-process-output nil 0.02))
    result))

(defun gup-line-of (needle)
  "Move to the start of NEEDLE in the current buffer and return its line (1-based)."
  (goto-char (point-min))
  (when (search-forward needle nil t)
    (goto-char (match-beginning 0))
    (line-number-at-pos)))

(defun gup-line-text (line)
  "The text of LINE (1-based) of the current buffer."
  (save-excursion
    (goto-char (point-min))
    (forward-line (1- line))
    (buffer-substring-no-properties (line-beginning-position) (line-end-position))))

(defun gup-diagnostic-on (line rule)
  "The Flymake diagnostic of RULE on LINE (1-based) of the current buffer, if any."
  (cl-find-if (lambda (d)
                (and (= (line-number-at-pos (flymake-diagnostic-beg d)) line)
                     (string-match-p (regexp-quote (format "[%s]" rule)) (flymake-diagnostic-text d))))
              (flymake-diagnostics)))

(defun gup-show (d)
  (format "%d:%d %s %s"
          (line-number-at-pos (flymake-diagnostic-beg d))
          (1+ (- (flymake-diagnostic-beg d)
                 (save-excursion (goto-char (flymake-diagnostic-beg d)) (line-beginning-position))))
          (flymake-diagnostic-type d) (flymake-diagnostic-text d)))

(defun gup-open (file)
  (find-file file)
  (run-hooks 'post-command-hook)
  (gup-wait gup-first-diagnostics-s (lambda () (bound-and-true-p eglot--managed-mode))))

(defun gup-run ()
  (gup-say "emacs %s, eglot %s" emacs-version
           (package-version-join (package-desc-version (cadr (assq 'eglot package-alist)))))

  ;; 1. Diagnostics on a C file, as errors (the snippet's eglot-workspace-configuration).
  (gup-open gup-c-file)
  (gup-check (eq major-mode 'c-mode) "C file opens in c-mode" (symbol-name major-mode))
  (gup-check (bound-and-true-p eglot--managed-mode) "Eglot manages the C buffer")
  (let* ((put-line (gup-line-of "put_page(page);"))
         (wrong (gup-wait gup-first-diagnostics-s
                          (lambda () (gup-diagnostic-on put-line "wrong-release")))))
    (when (gup-check wrong "wrong-release diagnostic on put_page(page)")
      (gup-say "     %s" (gup-show wrong))
      (let ((under (buffer-substring-no-properties (flymake-diagnostic-beg wrong) (flymake-diagnostic-end wrong))))
        (gup-check (equal under "put_page") "the diagnostic covers put_page after the non-ASCII comment" under))
      (gup-check (gup-wait gup-step-s
                           (lambda () (eq (flymake-diagnostic-type (gup-diagnostic-on put-line "wrong-release"))
                                          'eglot-error)))
                 "setting rules.wrong-release = error applies (workspace/configuration)"
                 (format "%s" (flymake-diagnostic-type wrong))))

    ;; 2. Hover on 0xC00003 through Eglot's ElDoc function.
    (gup-line-of "0xC00003")
    (forward-char 2)
    (let (hover)
      (eglot-hover-eldoc-function (lambda (info &rest _) (setq hover (or info ""))))
      (gup-wait gup-step-s (lambda () hover))
      (when (gup-check (and hover (not (string-empty-p hover))) "hover on 0xC00003 answers")
        (gup-say "     hover: %s" (car (split-string hover "\n")))
        (gup-check (string-match-p "12,288 pins" hover) "hover decodes 12,288 pins")
        (gup-check (string-match-p "3 refs" hover) "hover decodes 3 refs")))

    ;; 3. The quick fix: M-x eglot-code-actions on the line, the preferred action chosen in the
    ;;    prompt (Eglot's default), Eglot applies the edit; then save and read the disk.
    (gup-line-of "put_page(page);")
    (let ((offered nil))
      ;; Invoked from the keyboard (M-x), Eglot prompts with completing-read; with a list in
      ;; `last-nonmenu-event' (nil in batch mode) it would pop up a mouse menu instead.
      (cl-letf ((last-nonmenu-event ?\r)
                ((symbol-function 'completing-read)
                 (lambda (_prompt collection &optional _pred _req _init _hist default &rest _)
                   (setq offered (mapcar #'car collection))
                   default)))
        (eglot-code-actions (line-beginning-position) (line-end-position) nil t))
      (dolist (title offered) (gup-say "     action %s" title))
      (gup-check (gup-wait gup-step-s
                           (lambda ()
                             (equal (gup-line-text put-line) gup-fixed-line)))
                 (concat "quick fix rewrites the line to " (string-trim gup-fixed-line))
                 (concat (gup-line-text put-line) " | " (string-join offered " | "))))
    (save-buffer)
    (let ((disk (with-temp-buffer (insert-file-contents gup-c-file) (buffer-string))))
      (gup-check (string-match-p (regexp-quote (concat gup-fixed-line "\n")) disk)
                 "file on disk has the fixed line")
      (gup-check (not (string-match-p (regexp-quote "\tput_page(page);") disk))
                 "file on disk has no put_page(page); left"))
    (gup-check (and wrong (gup-wait gup-step-s
                                    (lambda ()
                                      (not (cl-find-if (lambda (d) (string-match-p "\\[wrong-release\\]"
                                                                                   (flymake-diagnostic-text d)))
                                                       (flymake-diagnostics))))))
               "wrong-release diagnostic gone after the fix"))

  ;; 4. A git format-patch file: diff-mode, the finding on its + put_page line.
  (gup-open gup-patch-file)
  (gup-check (eq major-mode 'diff-mode) "format-patch file opens in diff-mode" (symbol-name major-mode))
  (let* ((plus-line (gup-line-of "+\tput_page(page);"))
         (in-patch (gup-wait gup-step-s (lambda () (gup-diagnostic-on plus-line "wrong-release")))))
    (when (gup-check in-patch "wrong-release diagnostic on the patch line +\tput_page(page);")
      (gup-say "     %s" (gup-show in-patch))))

  ;; Save the events buffers (the LSP transcript), then shut the servers down.
  (let ((servers (apply #'append (hash-table-values eglot--servers-by-project))))
    (when-let ((out (getenv "GUP_EDITORS_EVENTS")))
      (with-temp-file out
        (dolist (s servers)
          (insert (format ";;; events of %s\n" (jsonrpc-name s)))
          (insert-buffer-substring (jsonrpc-events-buffer s)))))
    (gup-check (= (length servers) 2) "one server for the C buffer, one for the patch"
               (format "%d" (length servers)))
    (dolist (s servers) (eglot-shutdown s))
    (gup-check (not (cl-some #'jsonrpc-running-p servers)) "servers shut down")))

(condition-case err
    (gup-run)
  (error (gup-say "ERROR %s" (error-message-string err))
         (kill-emacs 2)))
(gup-say "%s: %d check(s) failed" (if (= gup-failures 0) "PASS" "FAIL") gup-failures)
(kill-emacs (if (= gup-failures 0) 0 1))
