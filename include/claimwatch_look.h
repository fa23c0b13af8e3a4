/*
 * claimwatch_look: the tool's look-back and editor commands (figures,
 * history, feeds, poll, mute, unmute, reject, set), kept apart from
 * claimwatch.c's other commands.
 */
#ifndef CLAIMWATCH_CLAIMWATCH_LOOK_H
#define CLAIMWATCH_CLAIMWATCH_LOOK_H

#include <stdbool.h>

/* Whether name is one of the commands claimwatch_look_main runs. */
bool	claimwatch_look_is_cmd(const char *name);
/* Runs argv[0] (a command above) and returns the exit status. */
int	claimwatch_look_main(int argc, char **argv);
/* The usage lines of these commands, for the tool's usage message. */
extern const char claimwatch_look_usage[];

#endif
