/* ttytest.c: reads the console as a program does. Prints "ttytest ready" (with isatty and
 * the window size), then for every line read with read(2) "got [LINE]" (newline shown as
 * \n), until end of file (^D), then "ttytest eof" and exits 0. With argument "raw" it
 * switches to non-canonical mode without echo or signals, says "raw ready", reads 3 single bytes and prints their
 * codes, then restores the settings. With "poll": polls stdin with a 50 ms timeout
 * (prints "poll timeout=N"), says "poll waiting", polls without a timeout, then reads one
 * line as above. */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct winsize ws = {0};
	ioctl(0, TIOCGWINSZ, &ws);
	printf("ttytest ready isatty=%d %dx%d\n", isatty(0), ws.ws_col, ws.ws_row);
	fflush(stdout);
	if (argc > 1 && !strcmp(argv[1], "raw")) {
		struct termios old, t;
		tcgetattr(0, &old);
		t = old;
		t.c_lflag &= ~(ICANON | ECHO | ISIG);
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
		tcsetattr(0, TCSANOW, &t);
		printf("raw ready\n");
		fflush(stdout);
		printf("raw:");
		for (int i = 0; i < 3; i++) {
			unsigned char c;
			if (read(0, &c, 1) != 1)
				break;
			printf(" %d", c);
		}
		printf("\n");
		tcsetattr(0, TCSANOW, &old);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "poll")) {
		struct pollfd pf = {0, POLLIN, 0};
		printf("poll timeout=%d\n", poll(&pf, 1, 50));
		printf("poll waiting\n");
		fflush(stdout);
		int r = poll(&pf, 1, -1);
		printf("poll ready %d revents=%d\n", r, pf.revents);
	}
	char buf[256];
	for (;;) {
		ssize_t n = read(0, buf, sizeof buf - 1);
		if (n < 0) {
			perror("read");
			return 1;
		}
		if (n == 0)
			break;
		buf[n] = 0;
		printf("got [");
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] == '\n')
				printf("\\n");
			else
				putchar(buf[i]);
		printf("]\n");
		fflush(stdout);
		if (argc > 1 && !strcmp(argv[1], "poll"))
			return 0;
	}
	printf("ttytest eof\n");
	return 0;
}
