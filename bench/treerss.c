/* treerss — peak resident memory of a whole process tree, without cgroups.
 *
 *   treerss [-x PATH]... [-v] -- COMMAND [ARGS...]
 *
 * Runs COMMAND under ptrace, following every fork, vfork, clone and exec.
 * Each process image (one address space between two execs, or between a
 * fork and an exit) gets its peak RSS (VmHWM) read just before it ends: at
 * the entry of a successful execve/execveat, or at exit.  Images whose
 * executable is one of the -x PATHs (the container's payload, a wrapper
 * shell) are left out, and so is the pre-exec part of a vfork/CLONE_VM
 * child, whose address space is its parent's.
 *
 * Prints one line on stderr:
 *   treerss: peak_kib=P max_kib=M images=N
 * P  upper bound of the tree's concurrent peak: the largest sum, over any
 *    moment, of the peaks of the images alive at that moment;
 * M  the largest single image's peak (what /usr/bin/time -f %M would show
 *    for the worst process);
 * with -v, one line per image: pid, executable, its size, peak, counted.
 * RSS counts pages shared with a parent or a library in each process, as
 * the kernel's VmHWM does: the same rule for every runtime measured.
 *
 * Exits with COMMAND's status.  Needs ptrace (root, or a permissive yama).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/kcmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_TASKS 4096
#define MAX_IMAGES 4096
#define MAX_EXCLUDE 16

struct image
{
  pid_t tgid;
  long born, died;        /* event counter: a clock that orders lifetimes */
  long hwm_kib;
  off_t exe_size;
  char exe[128];
  bool excluded, shared_vm, done;
};

struct task
{
  pid_t tid, tgid;
  bool seen_stop;         /* the initial SIGSTOP of an auto-attached task */
  long pending_hwm;       /* read at execve entry, used if the exec succeeds */
};

static struct image images[MAX_IMAGES];
static int n_images;
static struct task tasks[MAX_TASKS];
static int n_tasks;
static struct stat excluded[MAX_EXCLUDE];
static int n_excluded;
static long clock_now;

static long
read_status_kib (pid_t tid, const char *key, long fallback)
{
  char path[64], line[256];
  snprintf (path, sizeof path, "/proc/%d/status", tid);
  FILE *f = fopen (path, "re");
  if (f == NULL)
    return fallback;
  long v = fallback;
  size_t klen = strlen (key);
  while (fgets (line, sizeof line, f))
    if (strncmp (line, key, klen) == 0 && line[klen] == ':')
      {
        v = strtol (line + klen + 1, NULL, 10);
        break;
      }
  fclose (f);
  return v;
}

static struct task *
task_find (pid_t tid)
{
  for (int i = 0; i < n_tasks; i++)
    if (tasks[i].tid == tid)
      return &tasks[i];
  return NULL;
}

static struct task *
task_add (pid_t tid)
{
  struct task *t = task_find (tid);
  if (t)
    return t;
  if (n_tasks == MAX_TASKS)
    {
      fprintf (stderr, "treerss: too many tasks\n");
      exit (125);
    }
  t = &tasks[n_tasks++];
  *t = (struct task) { .tid = tid, .tgid = (pid_t) read_status_kib (tid, "Tgid", tid), .pending_hwm = -1 };
  return t;
}

static struct image *
image_live (pid_t tgid)
{
  for (int i = n_images - 1; i >= 0; i--)
    if (images[i].tgid == tgid && !images[i].done)
      return &images[i];
  return NULL;
}

/* Describe the image now running in TGID (after an exec or at the start). */
static void
image_describe (struct image *im, pid_t tgid)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/exe", tgid);
  ssize_t n = readlink (path, im->exe, sizeof im->exe - 1);
  im->exe[n > 0 ? n : 0] = '\0';
  struct stat st;
  if (stat (path, &st) == 0)
    {
      im->exe_size = st.st_size;
      for (int i = 0; i < n_excluded; i++)
        if (st.st_dev == excluded[i].st_dev && st.st_ino == excluded[i].st_ino)
          im->excluded = true;
    }
}

static struct image *
image_new (pid_t tgid, bool shared_vm, bool describe)
{
  if (n_images == MAX_IMAGES)
    {
      fprintf (stderr, "treerss: too many images\n");
      exit (125);
    }
  struct image *im = &images[n_images++];
  *im = (struct image) { .tgid = tgid, .born = clock_now, .shared_vm = shared_vm, .hwm_kib = 0 };
  if (describe)
    image_describe (im, tgid);
  return im;
}

static void
image_update (struct image *im, long hwm)
{
  if (im && hwm > im->hwm_kib)
    im->hwm_kib = hwm;
}

static void
image_end (struct image *im)
{
  if (im && !im->done)
    {
      im->done = true;
      im->died = clock_now;
    }
}

/* A new task (thread or process) reported by its parent's event. */
static void
on_new_task (pid_t parent, pid_t child, int event)
{
  struct task *t = task_add (child);
  if (t->tgid != child)
    return;                     /* a thread: it shares its group's image */
  bool shared = event == PTRACE_EVENT_VFORK
                || syscall (SYS_kcmp, parent, child, KCMP_VM, 0, 0) == 0;
  struct image *pim = image_live (task_find (parent) ? task_find (parent)->tgid : parent);
  struct image *im = image_new (child, shared, false);
  if (pim)
    {
      strcpy (im->exe, pim->exe);
      im->exe_size = pim->exe_size;
      im->excluded = pim->excluded;
    }
}

static void
report (int verbose)
{
  long max = 0, peak = 0;
  int counted = 0;
  for (int i = 0; i < n_images; i++)
    {
      struct image *im = &images[i];
      bool count = !im->excluded && !im->shared_vm;
      if (verbose)
        fprintf (stderr, "treerss: image pid=%d exe=%s size=%lld peak_kib=%ld%s\n", im->tgid,
                 im->exe, (long long) im->exe_size, im->hwm_kib,
                 im->excluded ? " (excluded)" : im->shared_vm ? " (parent's memory)" : "");
      if (!count)
        continue;
      counted++;
      if (im->hwm_kib > max)
        max = im->hwm_kib;
      /* The concurrent sum is largest just after some image is born. */
      long sum = 0;
      for (int j = 0; j < n_images; j++)
        {
          struct image *o = &images[j];
          if (!o->excluded && !o->shared_vm && o->born <= im->born && o->died > im->born)
            sum += o->hwm_kib;
        }
      if (sum > peak)
        peak = sum;
    }
  fprintf (stderr, "treerss: peak_kib=%ld max_kib=%ld images=%d\n", peak, max, counted);
}

int
main (int argc, char **argv)
{
  int verbose = 0, opt;
  while ((opt = getopt (argc, argv, "+x:v")) != -1)
    switch (opt)
      {
      case 'x':
        if (n_excluded == MAX_EXCLUDE || stat (optarg, &excluded[n_excluded]) < 0)
          {
            perror (optarg);
            return 125;
          }
        n_excluded++;
        break;
      case 'v': verbose = 1; break;
      default:
        fprintf (stderr, "usage: treerss [-x PATH]... [-v] -- COMMAND [ARGS...]\n");
        return 125;
      }
  if (optind >= argc)
    {
      fprintf (stderr, "usage: treerss [-x PATH]... [-v] -- COMMAND [ARGS...]\n");
      return 125;
    }

  pid_t root = fork ();
  if (root < 0)
    return perror ("fork"), 125;
  if (root == 0)
    {
      ptrace (PTRACE_TRACEME, 0, NULL, NULL);
      raise (SIGSTOP);
      execvp (argv[optind], argv + optind);
      perror (argv[optind]);
      _exit (127);
    }
  int status;
  if (waitpid (root, &status, 0) < 0 || !WIFSTOPPED (status))
    return perror ("waitpid"), 125;
  long opts = PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC
              | PTRACE_O_TRACEEXIT | PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL;
  if (ptrace (PTRACE_SETOPTIONS, root, NULL, (void *) opts) < 0)
    return perror ("PTRACE_SETOPTIONS"), 125;
  task_add (root)->seen_stop = true;
  image_new (root, false, true)->excluded = true;   /* ourselves, until the exec */
  ptrace (PTRACE_SYSCALL, root, NULL, NULL);

  int root_status = 0;
  for (;;)
    {
      pid_t tid = waitpid (-1, &status, __WALL);
      if (tid < 0)
        {
          if (errno == EINTR)
            continue;
          break;                /* ECHILD: every traced task is gone */
        }
      clock_now++;
      struct task *t = task_add (tid);
      if (WIFEXITED (status) || WIFSIGNALED (status))
        {
          if (tid == root)
            root_status = WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
          if (t->tid == t->tgid)
            image_end (image_live (t->tgid));
          t->tid = -1;
          continue;
        }
      if (!WIFSTOPPED (status))
        continue;
      int sig = WSTOPSIG (status), event = status >> 16, inject = 0;
      if (sig == (SIGTRAP | 0x80))
        {
          struct __ptrace_syscall_info info;
          if (ptrace (PTRACE_GET_SYSCALL_INFO, tid, (void *) sizeof info, &info) > 0
              && info.op == PTRACE_SYSCALL_INFO_ENTRY
              && (info.entry.nr == SYS_execve || info.entry.nr == SYS_execveat))
            t->pending_hwm = read_status_kib (tid, "VmHWM", 0);
        }
      else if (sig == SIGTRAP && event != 0)
        {
          unsigned long msg = 0;
          ptrace (PTRACE_GETEVENTMSG, tid, NULL, &msg);
          switch (event)
            {
            case PTRACE_EVENT_FORK:
            case PTRACE_EVENT_VFORK:
            case PTRACE_EVENT_CLONE:
              on_new_task (tid, (pid_t) msg, event);
              break;
            case PTRACE_EVENT_EXEC:
              {
                /* msg: the tid that called exec (now the group leader). */
                struct task *caller = task_find ((pid_t) msg);
                struct image *old = image_live (t->tgid);
                if (caller && caller->pending_hwm >= 0)
                  image_update (old, caller->pending_hwm);
                image_end (old);
                if (caller && caller != t)
                  caller->tid = -1;
                t->pending_hwm = -1;
                image_new (t->tgid, false, true);
                break;
              }
            case PTRACE_EVENT_EXIT:
              image_update (image_live (t->tgid), read_status_kib (tid, "VmHWM", 0));
              break;
            }
        }
      else if (sig == SIGSTOP && !t->seen_stop)
        t->seen_stop = true;    /* the stop that starts an auto-attached task */
      else
        inject = sig;
      t->seen_stop = true;
      ptrace (PTRACE_SYSCALL, tid, NULL, (void *) (long) inject);
    }
  for (int i = 0; i < n_images; i++)
    image_end (&images[i]);
  report (verbose);
  return root_status;
}
