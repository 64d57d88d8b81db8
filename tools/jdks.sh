# JDKs installed on this machine, by their release files (no JVM is started). Sourced by ./crawl
# and .ci/run.

# The major version of the JDK at $1 (8 for 1.8), or nothing if it has no release file. In bash
# alone: ./crawl runs this for every JDK it looks at, and each sed or dirname costs a few ms.
jdk_major() {
  local line v=""
  [ -r "$1/release" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    case $line in
      JAVA_VERSION=\"*\")
        v=${line#JAVA_VERSION=\"}
        v=${v%\"}
        break
        ;;
    esac
  done <"$1/release"
  v=${v#1.}
  if [ -n "$v" ]; then
    echo "${v%%[.+_-]*}"
  fi
}

# The home of the JDK that runs `java` on PATH, or nothing.
jdk_on_path() {
  local java
  java=$(command -v java 2>/dev/null) || return 0
  java=$(readlink -f "$java")
  java=${java%/*}
  echo "${java%/*}"
}

# "HOME MAJOR" of the newest JDK of major $1 or later, among the one on PATH and the usual install
# places (Debian's /usr/lib/jvm, /usr/java, /opt, SDKMAN's, macOS's); nothing if there is none.
jdk_newest() {
  local min=$1 best="" best_major=0 home major
  for home in "$(jdk_on_path)" /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* \
      "$HOME"/.sdkman/candidates/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -n "$home" ] && [ -x "$home/bin/java" ] || continue
    major=$(jdk_major "$home")
    if [ -n "$major" ] && [ "$major" -ge "$min" ] && [ "$major" -gt "$best_major" ]; then
      best=$home
      best_major=$major
    fi
  done
  if [ -n "$best" ]; then
    echo "$best $best_major"
  fi
}
