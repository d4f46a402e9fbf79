/*
 * capfloor.c - the floor for the capture benchmark: read every packet of
 * a capture with libpcap and find "Call-ID:" in it with memmem, nothing
 * else.  Prints the number of packets that have one.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

int
main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *p;
	unsigned long n = 0;
	pcap_t *pc;

	if (argc != 2) {
		fprintf(stderr, "usage: capfloor FILE\n");
		return 2;
	}
	if ((pc = pcap_open_offline(argv[1], err)) == NULL) {
		fprintf(stderr, "capfloor: %s\n", err);
		return 1;
	}
	while (pcap_next_ex(pc, &h, &p) == 1)
		if (memmem(p, h->caplen, "Call-ID:", 8) != NULL)
			n++;
	pcap_close(pc);
	printf("%lu\n", n);
	return 0;
}
