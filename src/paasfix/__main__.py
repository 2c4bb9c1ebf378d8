from paasfix.cli import main

main()
