from alertbot.cli import main

raise SystemExit(main())
