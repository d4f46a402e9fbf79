/*
 * replay.c - a main() for the fuzz targets without libFuzzer: feed every
 * file named on the command line (directories are walked one level) to
 * LLVMFuzzerTestOneInput, so `make check` replays each corpus.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
one(const char *path)
{
	FILE *f;
	uint8_t *p;
	long n;

	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	/* An exact-size heap copy, so ASan sees any read past the end. */
	p = malloc(n > 0 ? (size_t)n : 1);
	if (p == NULL || (n > 0 && fread(p, 1, (size_t)n, f) != (size_t)n)) {
		fclose(f);
		free(p);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(p, (size_t)n);
	free(p);
	return 0;
}

int
main(int argc, char **argv)
{
	struct stat st;
	struct dirent *d;
	char path[4096];
	DIR *dir;
	int i, count = 0;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (one(argv[i]) != 0) {
				perror(argv[i]);
				return 1;
			}
			count++;
			continue;
		}
		if ((dir = opendir(argv[i])) == NULL) {
			perror(argv[i]);
			return 1;
		}
		while ((d = readdir(dir)) != NULL) {
			if (d->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i], d->d_name);
			if (one(path) != 0) {
				perror(path);
				closedir(dir);
				return 1;
			}
			count++;
		}
		closedir(dir);
	}
	printf("replayed %d inputs\n", count);
	return 0;
}
