from tasking.cli import main

main()
