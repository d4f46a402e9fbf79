#!/usr/bin/env zsh
# zcomplete.zsh DIR OUT LINE - what zsh completion offers for LINE.
#
# Starts an interactive `zsh -f` on a pseudo-terminal with the completion
# functions in DIR, types LINE and TAB, and writes every candidate that
# completion adds to OUT, one per line, then a line "--done--".  Used by
# tests/docs.bats to exercise completions/_sipbox for real.  With ZC_DUMP
# set, compinit keeps its dump there (much faster on the next run; use one
# dump per DIR).
emulate -L zsh
zmodload zsh/zpty || exit 1
local dir=$1 out=$2 line=$3 junk i init="compinit -u -D"

[[ -n $ZC_DUMP ]] && init="compinit -u -d ${(q)ZC_DUMP}"

: >$out
zpty z zsh -f -i || exit 1
zpty -w z "fpath=(${(q)dir} \$fpath); autoload -Uz compinit; $init"
zpty -w z "compadd() { if (( \${@[(I)-[OAD]]} )); then builtin compadd \"\$@\"; return; fi; local -a m; builtin compadd -A m \"\$@\"; print -rl -- \$m >>${(q)out}; builtin compadd \"\$@\"; }"
zpty -w z "_zc_tab() { zle complete-word; print -r -- --done-- >>${(q)out}; }; zle -N _zc_tab; bindkey '^I' _zc_tab"
zpty -w -n z "$line"$'\t'
for i in {1..500}; do
	zpty -r -t z junk 2>/dev/null
	grep -qx -- --done-- $out && break
	sleep 0.02
done
zpty -d z
grep -qx -- --done-- $out
